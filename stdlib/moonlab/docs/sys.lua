local D = {}
return { title = "sys", docs = D }
