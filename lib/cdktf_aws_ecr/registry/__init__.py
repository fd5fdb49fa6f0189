"""The registry's settings, one module per setting, and the owner that writes them."""
