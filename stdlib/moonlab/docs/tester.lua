local D = {}
return { title = "tester", docs = D }
