"""The front ends: the Qt GUI, the command line, and the Qt-free tasks both run."""
