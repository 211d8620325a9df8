# Reference values for tests/stats/test_lineage.py, computed with R (stats, cluster).
# Run from this folder: Rscript generate.R  (needs the cluster package; ../shared beside
# the repository). Writes clopper_pearson.csv and danes_pam_medoids.csv.
cases <- expand.grid(x = c(0, 1, 2, 5, 17), n = c(1, 10, 185, 1136, 100000), conf = c(0.95, 0.99))
cases <- cases[cases$x <= cases$n, ]
cases$upper <- mapply(function(x, n, conf) {
  binom.test(x, n, alternative = "less", conf.level = conf)$conf.int[2]
}, cases$x, cases$n, cases$conf)
write.csv(cases, "clopper_pearson.csv", row.names = FALSE)

library(cluster)
d <- read.table("../../../../shared/data/y-str/disclapmix_danes_Hallenberg2005.txt", header = TRUE)
db <- as.matrix(d[rep(seq_len(nrow(d)), d$n), seq_len(ncol(d) - 1)])
out <- do.call(rbind, lapply(2:5, function(k) {
  r <- pam(db, k = k, diss = FALSE, stand = FALSE, metric = "manhattan", do.swap = TRUE)
  data.frame(k = k, r$medoids, check.names = FALSE)
}))
write.csv(out, "danes_pam_medoids.csv", row.names = FALSE)
