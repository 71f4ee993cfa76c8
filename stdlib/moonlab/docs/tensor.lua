local D = {}
return { title = "tensor", docs = D }
