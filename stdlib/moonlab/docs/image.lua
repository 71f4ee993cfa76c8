local D = {}
return { title = "image", docs = D }
