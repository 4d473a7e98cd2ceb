"""The files a person names, read and written safely: bounded reads that refuse FIFOs and
devices, atomic writes through symlinks. The lowest core package: every feature that reads
or writes a file (CSV data in training, experiment files in io, exports) builds on it, and
it imports nothing of xorlab."""
