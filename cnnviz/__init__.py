"""cnnviz: see, with the real numbers, how a convolutional network turns an image into a prediction."""
__version__ = "0.1.0"
