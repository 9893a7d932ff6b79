"""Pages of outbound campaigns."""
