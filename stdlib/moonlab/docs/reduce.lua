local D = {}
return { title = "reduce", docs = D }
