local D = {}
return { title = "linalg", docs = D }
