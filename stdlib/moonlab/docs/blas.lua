local D = {}
return { title = "blas", docs = D }
