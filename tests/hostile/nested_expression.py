# A 64 KiB expression nested 20,000 deep (the test builds the rest): the parser, the
# compiler or the rewrite gives up, in a worker process, never in the server.
x = 1
