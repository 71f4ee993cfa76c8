# R's half of tests/bench/bench_data.sh: Rscript bench_data.R FILE
# checks the shape, then prints the seconds of one more fread(FILE) on 2 threads.
suppressMessages(library(data.table))
setDTthreads(2)
a <- commandArgs(trailingOnly = TRUE)
d <- fread(a[1], stringsAsFactors = TRUE)
stopifnot(nrow(d) == 1000000, ncol(d) == 11)
cat(system.time(fread(a[1], stringsAsFactors = TRUE))[["elapsed"]], "\n")
