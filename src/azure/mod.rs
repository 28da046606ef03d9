//! The Azure adapter: the only module that imports `azure_*` and talks to ARM (credential,
//! clients, reads, writes, retry, pacing, request counting). It decides nothing.
