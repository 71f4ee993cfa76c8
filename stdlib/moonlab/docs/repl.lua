local D = {}
return { title = "repl", docs = D }
