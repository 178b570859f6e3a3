"""Singer tap for Wistia video analytics."""
