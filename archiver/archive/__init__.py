"""The versioned archive: store, versions, verify, export."""
