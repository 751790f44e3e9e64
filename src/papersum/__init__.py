"""papersum: research-paper abstracts to TL;DRs, validated tags and a newsletter-ready digest."""

__version__ = "0.1.0"
