"""Stubs generated from sdk/proto by gen_proto.py; do not edit."""
