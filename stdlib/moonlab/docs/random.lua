local D = {}
return { title = "random", docs = D }
