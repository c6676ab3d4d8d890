"""Administrative units, agencies, addresses and the working calendar."""
