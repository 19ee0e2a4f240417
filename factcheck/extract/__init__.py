"""Stage 2, extraction: a Document's text becomes scored sentence claims.

In: a :class:`factcheck.types.Document`. Out: a list of :class:`factcheck.types.SentenceClaim`
(span, sentence, speaker, numbers, entities, claim type, check-worthiness score and reasons).

- :mod:`~factcheck.extract.claims`: the default extractor (segment, attribute, score).
- :mod:`~factcheck.extract.turns`: the same for a transcript's turns (each sentence keeps its
  turn's speaker, role, turn and time span).
- :mod:`~factcheck.extract.segment`: article lines into sentences; navigation and bylines out.
- :mod:`~factcheck.extract.attribution`, :mod:`~factcheck.extract.entities`,
  :mod:`~factcheck.extract.gazetteer`: who said it, and the names in a sentence.
- :mod:`~factcheck.extract.quantities`, :mod:`~factcheck.extract.claim_types`: numbers and
  the kind of claim.
- :mod:`~factcheck.extract.checkworthiness`: the check-worthiness scorer (inference only;
  its training is :mod:`factcheck.research.train_scorer`).
- :mod:`~factcheck.extract.llm`, :mod:`~factcheck.extract.prompts`,
  :mod:`~factcheck.extract.anchor`: the optional LLM extractor, its prompt templates, and
  anchoring its quotes to spans of the article.
"""
