"""Proving a card genuine: keys, signatures, certificate chains, CRLs, the trust store.

- :mod:`~cardreader.verify.keys` — SubjectPublicKeyInfo -> pyca/cryptography key, explicit EC
  parameters matched to named curves (:mod:`~cardreader.verify.curves`).
- :mod:`~cardreader.verify.signatures` — one ``verify_signature`` for RSA PKCS#1 v1.5,
  RSASSA-PSS and ECDSA (DER and plain), with :mod:`~cardreader.verify.algorithms`.
- :mod:`~cardreader.verify.certificates` — ``Certificate``, ``validate_document_signer``,
  the ``TrustSource`` protocol; :mod:`~cardreader.verify.crl` — CRLs.
- :mod:`~cardreader.verify.master_list` — ICAO CSCA master lists and their signatures.
- :mod:`~cardreader.verify.trust_store` — the on-disk store and ``--trust`` sources.
- :mod:`~cardreader.verify.passive` — passive authentication of a whole card.

Nothing is imported here, so ``cardreader.lds`` and the verifier modules load independently.
"""
