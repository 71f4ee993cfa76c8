local D = {}
return { title = "file", docs = D }
