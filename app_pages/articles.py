"""Articles: the ingested articles and the claims of the one selected."""

import pandas as pd
import streamlit as st

from app_pages.common import database
from factcheck.storage import articles as article_store
from factcheck.storage import claims as claim_store

st.title("Articles")
db = database()
rows = article_store.list_with_counts(db)
if not rows:
    st.info("No articles yet. Ingest one with `factcheck ingest FILE_OR_URL`.")
    st.stop()

st.dataframe(
    pd.DataFrame(rows)[["id", "title", "publisher", "published_date", "sentences", "claims",
                        "reviewed", "published", "source"]],
    hide_index=True, use_container_width=True,
)
labels = {row["id"]: f"{row['id']}: {row['title'] or row['source']}" for row in rows}
article_id = st.selectbox("Article", list(labels), format_func=labels.get)
show_all = st.toggle("Show every sentence (not only claims)", value=False)
claims = claim_store.list_claims(db, article_id=article_id, include_all=show_all)
st.caption(f"{len(claims)} {'sentences' if show_all else 'claims'}")
if claims:
    table = pd.DataFrame(claims)[["id", "score", "claim_type", "speaker", "text", "reasons"]]
    table["reasons"] = table["reasons"].map("; ".join)
    st.dataframe(table, hide_index=True, use_container_width=True,
                 column_config={"score": st.column_config.ProgressColumn(min_value=0, max_value=1)})
