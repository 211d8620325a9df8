# Reference values for reunite's DVI tests, computed with the R package dvir (pedsuite).
#
#   Rscript tests/data/dvi/generate.R          # writes tests/data/dvi/dvir_reference.json
#
# For each dataset shipped with dvir (the same data as ../shared/data/dvir-dvi-examples,
# converted/): the pairwise LR matrix (pairwiseLR), the exclusion matrix, the undisputed
# identifications (findUndisputed, threshold 1e4), and, where dvir can enumerate them, the
# joint table (dviJoint): its size, the log-likelihood of the 40 best assignments, the
# log-sum-exp of all finite log-likelihoods, and Bmarginal's posterior pairings.
# dviSolve's AM summary gives dvir's published conclusions for the larger datasets.
suppressMessages({library(dvir); library(jsonlite)})

mat = function(m) {
  if (is.null(m)) return(NULL)
  lapply(seq_len(nrow(m)), function(i) as.list(setNames(as.numeric(m[i, ]), colnames(m)))) |>
    setNames(rownames(m))
}

lse = function(x) { x = x[is.finite(x)]; m = max(x); m + log(sum(exp(x - m))) }

one = function(name, joint = TRUE) {
  dvi = get(name)
  out = list(dataset = name)
  out$pairwise_lr = mat(pairwiseLR(dvi)$LRmatrix)
  out$exclusions = mat(exclusionMatrix(dvi))
  u = findUndisputed(dvi, threshold = 1e4, verbose = FALSE)$summary
  out$undisputed = if (is.null(u)) list() else
    lapply(seq_len(nrow(u)), function(i) list(victim = u$Sample[i], missing = u$Missing[i],
                                              lr = u$LR[i]))
  if (joint) {
    t0 = proc.time()[["elapsed"]]
    j = dviJoint(dvi, verbose = FALSE, progress = FALSE)
    out$joint_seconds = proc.time()[["elapsed"]] - t0
    vics = names(dvi$pm)
    out$n_assignments = nrow(j)
    top = head(j, 40)
    out$top = lapply(seq_len(nrow(top)), function(i)
      list(assignment = as.list(setNames(as.character(top[i, vics]), vics)),
           loglik = top$loglik[i]))
    out$loglik_null = j$loglik[apply(j[vics], 1, function(r) all(r == "*"))]
    out$logsumexp = lse(j$loglik)
    out$min_finite_loglik = min(j$loglik[is.finite(j$loglik)])
    out$n_impossible = sum(!is.finite(j$loglik))
    b = Bmarginal(cbind(j[vics], loglik = j$loglik), dvi$missing)
    out$posterior_pairing = mat(b)
  } else {
    s = dviSolve(dvi, verbose = FALSE)
    out$solve_am = lapply(seq_len(nrow(s$AM)), function(i)
      list(family = s$AM$Family[i], missing = s$AM$Missing[i], sample = s$AM$Sample[i],
           conclusion = s$AM$Conclusion[i]))
  }
  out
}

sets = list(c("example1", TRUE), c("example2", TRUE), c("fire", TRUE),
            c("symmetricSibs", TRUE), c("KETPchap481", TRUE), c("KETPchap484", TRUE),
            c("KETPexer497", TRUE), c("KETPexer498", TRUE), c("icmp", FALSE),
            c("grave", FALSE), c("exclusionExample", FALSE), c("planecrash", TRUE))
res = lapply(sets, function(s) one(s[1], as.logical(s[2])))
names(res) = sapply(sets, `[`, 1)
res$dvir_version = as.character(packageVersion("dvir"))
here = dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
writeLines(toJSON(res, auto_unbox = TRUE, digits = NA, null = "null", na = "null",
                  pretty = TRUE), file.path(here, "dvir_reference.json"))
