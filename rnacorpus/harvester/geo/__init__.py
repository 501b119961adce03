"""GEO: E-utilities discovery, FTP-tree downloads, SOFT / MINiML / series-matrix parsing."""
