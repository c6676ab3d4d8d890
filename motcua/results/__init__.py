"""Result documents: rendering, signature, verification."""
