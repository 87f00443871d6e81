"""The rewards store: a catalogue HR manages, where people spend their points, with stock and approval."""
