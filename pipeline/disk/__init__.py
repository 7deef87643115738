"""The project on disk: where each file of a project lives, one walk of its folders, and files
written so that none is ever torn. The only layer (with the engine and the commands below it
in the stack of calls) that touches the file system."""
