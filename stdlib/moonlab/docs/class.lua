local D = {}
return { title = "class", docs = D }
