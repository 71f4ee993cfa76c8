local D = {}
return { title = "math", docs = D }
