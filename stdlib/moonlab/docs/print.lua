local D = {}
return { title = "print", docs = D }
