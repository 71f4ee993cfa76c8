local D = {}
return { title = "serialize", docs = D }
