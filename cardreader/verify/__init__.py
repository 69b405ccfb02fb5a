"""Document verification: keys, signatures, certificate chains, CRLs, trust store."""
