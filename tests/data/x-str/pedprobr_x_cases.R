# X-STR kinship cases answered by the R pedsuite (pedtools, pedmut, pedprobr), for the
# side-by-side test tests/stats/test_x_linked.py::test_pedprobr_x_cases.
#
#   Rscript tests/data/x-str/pedprobr_x_cases.R tests/data/x-str/pedprobr_x_cases.json
#
# Each case is written in the reunite-kinship-case/1 format (markers with "chromosome":
# "X", males typed with one allele) with an "expected" block: the per-hypothesis,
# per-marker likelihoods from pedprobr::likelihood() on markers with chrom = "X", and the
# LRs of the first hypothesis against the others. Marker names are Argus X-12 loci; the
# allele frequencies are synthetic (no X-STR table ships in ../shared/data). theta is 0:
# pedprobr 1.1.0's theta correction on X markers misaligns the alleles of male founders
# (one allele each) in its founder-allele vector, so X cases with theta are checked
# against the brute-force enumerator and hand-worked values instead.
suppressMessages({
  library(pedtools)
  library(pedprobr)
  library(pedmut)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "pedprobr_x_cases.json"

loci <- list(
  list(name = "DXS10135", alleles = as.character(18:24),
       afreq = c(0.05, 0.12, 0.2, 0.25, 0.18, 0.12, 0.08)),
  list(name = "DXS8378", alleles = as.character(9:13),
       afreq = c(0.05, 0.3, 0.35, 0.25, 0.05)),
  list(name = "HPRTB", alleles = as.character(11:15),
       afreq = c(0.1, 0.3, 0.3, 0.2, 0.1)),
  list(name = "DXS7423", alleles = as.character(13:17),
       afreq = c(0.05, 0.3, 0.4, 0.2, 0.05))
)

person <- function(id, sex, father = NA, mother = NA)
  list(id = id, father = father, mother = mother, sex = sex)

# A hypothesis (list of persons) as pedtools pedigrees: one per connected component.
components <- function(persons) {
  ids <- vapply(persons, `[[`, "", "id")
  fid <- vapply(persons, function(p) if (is.na(p$father)) "" else p$father, "")
  mid <- vapply(persons, function(p) if (is.na(p$mother)) "" else p$mother, "")
  sex <- ifelse(vapply(persons, `[[`, "", "sex") == "male", 1L, 2L)
  x <- ped(id = ids, fid = fid, mid = mid, sex = sex, validate = TRUE, reorder = FALSE)
  if (is.ped(x)) list(x) else x
}

mutation_model <- function(locus, spec) {
  if (is.null(spec)) return(NULL)
  args <- list(model = list(female = spec$female$model, male = spec$male$model),
               alleles = locus$alleles, afreq = locus$afreq,
               rate = list(female = spec$female$rate, male = spec$male$rate))
  for (key in c("rate2", "range")) {
    if (!is.null(spec$female[[key]]))
      args[[key]] <- list(female = spec$female[[key]], male = spec$male[[key]])
  }
  do.call(mutationModel, args)
}

# Likelihood of one marker on a hypothesis: the product over its components.
marker_likelihood <- function(persons, genotypes, locus, mutmod) {
  total <- 1
  for (x in components(persons)) {
    typed <- list()
    for (id in labels(x)) {
      g <- genotypes[[id]][[locus$name]]
      if (!is.null(g)) typed[[id]] <- unlist(lapply(g, function(a) if (is.null(a)) NA else a))
    }
    m <- do.call(marker, c(list(x), typed,
                           list(alleles = locus$alleles, afreq = locus$afreq,
                                chrom = "X", name = locus$name, mutmod = mutmod)))
    total <- total * likelihood(x, m)
  }
  total
}

make_case <- function(id, description, hypotheses, genotypes, mutation = list()) {
  markers <- lapply(loci, function(locus) {
    spec <- mutation[[locus$name]]
    entry <- list(name = locus$name, chromosome = "X", alleles = locus$alleles,
                  frequencies = locus$afreq)
    mm <- mutation_model(locus, spec)
    if (!is.null(mm)) {
      entry$mutation <- c(spec, list(matrices = list(
        female = unname(unclass(mm$female))[seq_along(locus$alleles), , drop = FALSE],
        male = unname(unclass(mm$male))[seq_along(locus$alleles), , drop = FALSE])))
    }
    entry
  })
  liks <- list()
  for (h in hypotheses) {
    per_marker <- list()
    for (locus in loci) {
      mm <- mutation_model(locus, mutation[[locus$name]])
      per_marker[[locus$name]] <- marker_likelihood(h$pedigree, genotypes, locus, mm)
    }
    liks[[h$name]] <- per_marker
  }
  num <- hypotheses[[1]]$name
  ratio <- function(den) {
    lr <- lapply(names(liks[[num]]), function(m) liks[[num]][[m]] / liks[[den]][[m]])
    names(lr) <- names(liks[[num]])
    lr
  }
  dens <- vapply(hypotheses[-1], `[[`, "", "name")
  if (length(dens) == 1) {
    lr <- ratio(dens)
    total <- prod(unlist(lr))
    expected <- list(likelihoods = liks, lr = lr, total_lr = total,
                     log10_total_lr = if (total > 0) log10(total) else NA)
  } else {
    lr <- lapply(dens, ratio)
    names(lr) <- dens
    total <- lapply(lr, function(v) prod(unlist(v)))
    expected <- list(likelihoods = liks, lr = lr, total_lr = total,
                     log10_total_lr = lapply(total, function(t) if (t > 0) log10(t) else NA))
  }
  # I(): a male's one allele stays a JSON list (["21"]), as the format wants.
  boxed <- lapply(genotypes, function(per) lapply(per, function(g) if (is.list(g)) g else I(g)))
  list(format = "reunite-kinship-case/1", id = id, description = description, theta = 0,
       markers = markers, genotypes = boxed,
       hypotheses = lapply(hypotheses, function(h)
         list(name = h$name, pedigree = h$pedigree)),
       expected = expected)
}

unrelated <- function(...) {
  spec <- list(...)
  lapply(names(spec), function(id) person(id, spec[[id]]))
}

cases <- list(
  make_case(
    "x_paternal_half_sisters",
    "Two women: paternal half-sisters (sharing their father's one X) against unrelated",
    list(list(name = "paternal half-sisters", pedigree = list(
           person("F", "male"), person("M1", "female"), person("M2", "female"),
           person("S1", "female", "F", "M1"), person("S2", "female", "F", "M2"))),
         list(name = "unrelated", pedigree = unrelated(S1 = "female", S2 = "female"))),
    list(S1 = list(DXS10135 = c("18", "20"), DXS8378 = c("10", "11"),
                   HPRTB = c("12", "13"), DXS7423 = c("14", "15")),
         S2 = list(DXS10135 = c("18", "21"), DXS8378 = c("11", "11"),
                   HPRTB = c("12", "13"), DXS7423 = c("15", "16")))),
  make_case(
    "x_father_daughter_mother_typed",
    "Alleged father F of D, D's mother M typed at some markers; D half-typed at DXS7423",
    list(list(name = "F is the father", pedigree = list(
           person("F", "male"), person("M", "female"), person("D", "female", "F", "M"))),
         list(name = "F unrelated", pedigree = list(
           person("F", "male"), person("X", "male"), person("M", "female"),
           person("D", "female", "X", "M")))),
    list(F = list(DXS10135 = "19", DXS8378 = "11", HPRTB = "13", DXS7423 = "15"),
         M = list(DXS10135 = c("20", "22"), DXS8378 = c("10", "11"),
                  DXS7423 = c("14", "15")),
         D = list(DXS10135 = c("19", "22"), DXS8378 = c("11", "11"),
                  HPRTB = c("13", "14"), DXS7423 = list("15", NULL)))),
  make_case(
    "x_grandmother_grandson",
    "GM and a man G: maternal grandmother, paternal grandmother (no X shared), unrelated",
    list(list(name = "maternal grandmother", pedigree = list(
           person("GF", "male"), person("GM", "female"), person("M", "female", "GF", "GM"),
           person("MF", "male"), person("G", "male", "MF", "M"))),
         list(name = "paternal grandmother", pedigree = list(
           person("GF", "male"), person("GM", "female"), person("F", "male", "GF", "GM"),
           person("W", "female"), person("G", "male", "F", "W"))),
         list(name = "unrelated", pedigree = unrelated(GM = "female", G = "male"))),
    list(GM = list(DXS10135 = c("20", "21"), DXS8378 = c("10", "12"),
                   HPRTB = c("12", "12"), DXS7423 = c("14", "16")),
         G = list(DXS10135 = "20", DXS8378 = "11", HPRTB = "12", DXS7423 = "16"))),
  make_case(
    "x_paternal_grandmother_granddaughter",
    "GM and a woman D: paternal grandmother (through her son's one X) against unrelated",
    list(list(name = "paternal grandmother", pedigree = list(
           person("GF", "male"), person("GM", "female"), person("F", "male", "GF", "GM"),
           person("W", "female"), person("D", "female", "F", "W"))),
         list(name = "unrelated", pedigree = unrelated(GM = "female", D = "female"))),
    list(GM = list(DXS10135 = c("20", "21"), DXS8378 = c("10", "12"),
                   HPRTB = c("12", "14"), DXS7423 = c("14", "16")),
         D = list(DXS10135 = c("20", "23"), DXS8378 = c("12", "12"),
                  HPRTB = c("11", "14"), DXS7423 = c("15", "16")))),
  make_case(
    "x_sisters_four_hypotheses",
    "Two women: full, paternal half, maternal half sisters and unrelated",
    list(list(name = "full sisters", pedigree = list(
           person("F", "male"), person("M", "female"),
           person("S1", "female", "F", "M"), person("S2", "female", "F", "M"))),
         list(name = "paternal half-sisters", pedigree = list(
           person("F", "male"), person("M1", "female"), person("M2", "female"),
           person("S1", "female", "F", "M1"), person("S2", "female", "F", "M2"))),
         list(name = "maternal half-sisters", pedigree = list(
           person("F1", "male"), person("F2", "male"), person("M", "female"),
           person("S1", "female", "F1", "M"), person("S2", "female", "F2", "M"))),
         list(name = "unrelated", pedigree = unrelated(S1 = "female", S2 = "female"))),
    list(S1 = list(DXS10135 = c("19", "21"), DXS8378 = c("10", "11"),
                   HPRTB = c("12", "14"), DXS7423 = c("15", "15")),
         S2 = list(DXS10135 = c("19", "22"), DXS8378 = c("11", "12"),
                   HPRTB = c("13", "14"), DXS7423 = c("14", "15")))),
  make_case(
    "x_father_daughter_mutation",
    "Father-daughter with two Mendelian inconsistencies, sex-specific mutation models",
    list(list(name = "father-daughter", pedigree = list(
           person("F", "male"), person("M", "female"), person("D", "female", "F", "M"))),
         list(name = "unrelated", pedigree = unrelated(F = "male", D = "female"))),
    list(F = list(DXS10135 = "19", DXS8378 = "10", HPRTB = "13", DXS7423 = "15"),
         D = list(DXS10135 = c("20", "22"), DXS8378 = c("11", "12"),
                  HPRTB = c("13", "14"), DXS7423 = c("14", "15"))),
    mutation = list(
      DXS10135 = list(female = list(model = "equal", rate = 0.001),
                      male = list(model = "equal", rate = 0.004)),
      DXS8378 = list(female = list(model = "stepwise", rate = 0.002, rate2 = 1e-6,
                                   range = 0.1),
                     male = list(model = "stepwise", rate = 0.005, rate2 = 1e-6,
                                 range = 0.1)),
      HPRTB = list(female = list(model = "proportional", rate = 0.001),
                   male = list(model = "proportional", rate = 0.003)))),
  make_case(
    "x_full_sib_mating_loop",
    "Children C (female) and C2 (male) of a brother-sister couple S x D, with the grandparents typed: a loop",
    list(list(name = "full-sib mating", pedigree = list(
           person("F", "male"), person("M", "female"),
           person("S", "male", "F", "M"), person("D", "female", "F", "M"),
           person("C", "female", "S", "D"), person("C2", "male", "S", "D"))),
         list(name = "unrelated", pedigree = unrelated(F = "male", M = "female",
                                                       C = "female", C2 = "male"))),
    list(F = list(DXS10135 = "19", DXS8378 = "10", HPRTB = "13", DXS7423 = "16"),
         M = list(DXS10135 = c("20", "21"), DXS8378 = c("11", "12"),
                  HPRTB = c("12", "13"), DXS7423 = c("14", "15")),
         C = list(DXS10135 = c("19", "20"), DXS8378 = c("10", "11"),
                  HPRTB = c("13", "13"), DXS7423 = c("14", "16")),
         C2 = list(DXS10135 = "21", DXS8378 = "12", HPRTB = "13", DXS7423 = "15"))),
  make_case(
    "x_missing_son",
    "A missing son: mother and sister typed; the POI, a man, is the missing son or unrelated",
    list(list(name = "POI is the missing son", pedigree = list(
           person("FA", "male"), person("MO", "female"),
           person("POI", "male", "FA", "MO"), person("SI", "female", "FA", "MO"))),
         list(name = "POI unrelated", pedigree = list(
           person("FA", "male"), person("MO", "female"), person("MP", "male", "FA", "MO"),
           person("SI", "female", "FA", "MO"), person("POI", "male")))),
    list(MO = list(DXS10135 = c("19", "21"), DXS8378 = c("10", "11"),
                   HPRTB = c("12", "14"), DXS7423 = c("15", "15")),
         SI = list(DXS10135 = c("19", "20"), DXS8378 = c("11", "12"),
                   HPRTB = c("13", "14"), DXS7423 = c("15", "16")),
         POI = list(DXS10135 = "21", DXS8378 = "10", HPRTB = "12", DXS7423 = "15")))
)

write_json(cases, out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null",
           null = "null")
cat("wrote", length(cases), "cases to", out, "\n")
