# R's half of tests/bench/bench_csv.sh: Rscript bench_csv.R FILE RUNS
# checks the shape, then prints the median seconds of RUNS fread(FILE) on 2 threads.
suppressMessages(library(data.table))
setDTthreads(2)
a <- commandArgs(trailingOnly = TRUE)
d <- fread(a[1])
stopifnot(nrow(d) == 1000000, ncol(d) == 10)
ts <- sapply(seq_len(as.integer(a[2])), function(i) system.time(fread(a[1]))[["elapsed"]])
cat(median(ts), "\n")
