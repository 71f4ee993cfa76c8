-- test_ml_metrics.lua: moonlab.ml.metrics against scikit-learn 1.2's values
-- (tests/fixtures/ml/metrics.py writes metrics.lua), plus closed-form cases,
-- string labels and the error messages.
local H = dofile("tests/lua/harness.lua")
local ml = require "moonlab.ml"
local F = dofile("tests/fixtures/ml/metrics.lua")
local R = F.ref
local T = torch.Tensor

local yb, pb, sb = T(F.yb), T(F.pb), T(F.sb)
local ym, pm, probm = T(F.ym), T(F.pm), T(F.probm)
local yr, pr = T(F.yr), T(F.pr)

local function vec(got, want, tol, msg)
  if torch.isTensor(got) then got = got:totable() end
  H.eq(#got, #want, (msg or "") .. " length")
  for i = 1, #want do H.near(got[i], want[i], tol or 1e-12, (msg or "") .. " [" .. i .. "]") end
end
local function mat(got, want, tol, msg)
  H.eq(got:size(1), #want, msg)
  for i = 1, #want do vec(got[i], want[i], tol, msg) end
end

H.test("accuracy and balanced accuracy", function()
  H.near(ml.accuracy_score(yb, pb), R.accuracy_b)
  H.near(ml.accuracy_score(ym, pm), R.accuracy_m)
  H.eq(ml.accuracy_score(ym, pm, { normalize = false }), R.accuracy_count)
  H.near(ml.balanced_accuracy_score(yb, pb), R.balanced_b)
  H.near(ml.balanced_accuracy_score(ym, pm), R.balanced_m)
  H.near(ml.balanced_accuracy_score(ym, pm, { adjusted = true }), R.balanced_m_adj)
  H.near(ml.accuracy_score(F.yb, F.pb), R.accuracy_b, 1e-12, "Lua lists")
  H.near(ml.accuracy_score(yb:long(), pb:float()), R.accuracy_b, 1e-12, "other dtypes")
end)

H.test("precision, recall, F1, F-beta under every average", function()
  for _, avg in ipairs({ "binary", "micro", "macro", "weighted" }) do
    local y, p = yb, pb
    if avg ~= "binary" then y, p = ym, pm end
    H.near(ml.precision_score(y, p, { average = avg }), R["precision_" .. avg], 1e-12, avg)
    H.near(ml.recall_score(y, p, { average = avg }), R["recall_" .. avg], 1e-12, avg)
    H.near(ml.f1_score(y, p, { average = avg }), R["f1_" .. avg], 1e-12, avg)
    H.near(ml.fbeta_score(y, p, 2, { average = avg }), R["f2_" .. avg], 1e-12, avg)
  end
  H.near(ml.precision_score(yb, pb, { pos_label = 0 }), R.precision_pos0)
  H.near(ml.fbeta_score(yb, pb, 0.5, { pos_label = 0 }), R.f05_pos0)
  local p, r, f, s = ml.precision_recall_fscore_support(ym, pm)
  vec(p, R.prfs_none[1]); vec(r, R.prfs_none[2]); vec(f, R.prfs_none[3]); vec(s, R.prfs_none[4])
  p, r, f, s = ml.precision_recall_fscore_support(ym, pm, { labels = { 2, 0 } })
  vec(p, R.prfs_labels[1]); vec(r, R.prfs_labels[2]); vec(f, R.prfs_labels[3]); vec(s, R.prfs_labels[4])
  H.near(ml.f1_score(ym, pm, { average = "macro", labels = { 0, 1, 2 } }), R.f1_macro_labels)
end)

H.test("zero_division", function()
  H.eq(ml.precision_score({ 0, 0, 1 }, { 0, 0, 0 }), R.zd_warn)
  H.eq(ml.precision_score({ 0, 0, 1 }, { 0, 0, 0 }, { zero_division = 1 }), R.zd_one)
  H.eq(ml.f1_score({ 0, 0, 0 }, { 0, 0, 0 }, { zero_division = 1 }), R.f1_zd_one)
  H.check_error("ml.precision_score: zero_division must be", ml.precision_score, yb, pb, { zero_division = 2 })
end)

H.test("confusion matrix: counts, labels, normalize", function()
  local cm, classes = ml.confusion_matrix(yb, pb)
  H.eq(torch.typename(cm), "torch.LongTensor")
  mat(cm, R.cm_b, 0)
  H.eq(table.concat(classes, ","), "0.0,1.0")
  mat(ml.confusion_matrix(ym, pm), R.cm_m, 0)
  mat(ml.confusion_matrix(ym, pm, { labels = { 3, 1, 5 } }), R.cm_labels, 0)
  for _, nz in ipairs({ "true", "pred", "all" }) do
    mat(ml.confusion_matrix(ym, pm, { normalize = nz }), R["cm_norm_" .. nz], 1e-12, nz)
  end
  -- strided input: a column of a matrix
  local both = torch.cat(ym:view(-1, 1), pm:view(-1, 1), 2)
  mat(ml.confusion_matrix(both:select(2, 1), both:select(2, 2)), R.cm_m, 0)
  H.check_error("ml.confusion_matrix: normalize must be", ml.confusion_matrix, ym, pm, { normalize = "rows" })
end)

H.test("classification_report prints scikit-learn's table", function()
  H.eq(ml.classification_report(ym, pm), R.report_m)
  H.eq(ml.classification_report(yb, pb, { target_names = { "neg", "positive class" }, digits = 4 }), R.report_b_names)
  H.eq(ml.classification_report(ym, pm, { labels = { 0, 1 } }), R.report_labels)
  local d = ml.classification_report(ym, pm, { output_dict = true })
  H.near(d.accuracy, R.accuracy_m)
  H.near(d["macro avg"]["f1-score"], R.f1_macro)
  H.near(d["1"].precision, R.prfs_none[1][2])
end)

H.test("string labels", function()
  H.near(ml.f1_score(F.ys, F.ps, { average = "macro" }), R.str_f1_macro)
  local cm, classes = ml.confusion_matrix(F.ys, F.ps)
  mat(cm, R.str_cm, 0)
  H.eq(table.concat(classes, ","), "bird,cat,dog")
  H.eq(ml.classification_report(F.ys, F.ps), R.str_report)
  H.check_error("mix numeric and string labels", ml.accuracy_score, { "a", "b" }, { 1, 2 })
end)

H.test("ROC curve and AUC (binary, ties, drop_intermediate, max_fpr)", function()
  local fpr, tpr, thr = ml.roc_curve(yb, sb)
  vec(fpr, R.roc_b[1]); vec(tpr, R.roc_b[2]); vec(thr, R.roc_b[3])
  fpr, tpr, thr = ml.roc_curve(yb, sb, { drop_intermediate = false })
  vec(fpr, R.roc_b_all[1]); vec(tpr, R.roc_b_all[2]); vec(thr, R.roc_b_all[3])
  H.near(ml.roc_auc_score(yb, sb), R.auc_b)
  H.near(ml.roc_auc_score(yb * 2 - 1, sb), R.auc_b_pm1)
  H.near(ml.roc_auc_score(yb, sb, { max_fpr = 0.3 }), R.auc_b_maxfpr)
  H.near(ml.roc_auc_score(yb, torch.cat(-sb + 1, sb, 2)), R.auc_b, 1e-12, "N x 2 probabilities")
  -- closed form: perfectly separated, and fully reversed
  H.eq(ml.roc_auc_score(T{ 0, 0, 1, 1 }, T{ 0.1, 0.2, 0.8, 0.9 }), 1)
  H.eq(ml.roc_auc_score(T{ 0, 0, 1, 1 }, T{ 0.9, 0.8, 0.2, 0.1 }), 0)
  H.check_error("only one class present in y_true", ml.roc_auc_score, T{ 1, 1 }, T{ 0.1, 0.2 })
  H.check_error("pos_label must be given", ml.roc_curve, T{ 2, 3 }, T{ 0.1, 0.2 })
  H.check_error("y_score has 3 elements but X has 2 rows", ml.roc_curve, T{ 0, 1 }, T{ 0.1, 0.2, 0.3 })
end)

H.test("one-vs-rest multiclass AUC", function()
  H.near(ml.roc_auc_score(ym, probm, { multi_class = "ovr" }), R.auc_ovr)
  H.near(ml.roc_auc_score(ym, probm, { multi_class = "ovr", average = "weighted" }), R.auc_ovr_w)
  H.check_error("should sum up to 1.0", ml.roc_auc_score, ym, probm * 2)
  H.check_error("not equal to the number of columns", ml.roc_auc_score, ym, probm:narrow(2, 1, 2))
end)

H.test("precision-recall curve and average precision", function()
  local p, r, t = ml.precision_recall_curve(yb, sb)
  vec(p, R.pr_b[1]); vec(r, R.pr_b[2]); vec(t, R.pr_b[3])
  H.near(ml.average_precision_score(yb, sb), R.ap_b)
  H.near(ml.average_precision_score(yb, -sb, { pos_label = 0 }), R.ap_b_pos0)
end)

H.test("log loss and Brier score", function()
  H.near(ml.log_loss(yb, sb), R.logloss_b)
  H.near(ml.log_loss(ym, probm), R.logloss_m)
  H.near(ml.log_loss(ym, probm, { normalize = false }), R.logloss_m_sum)
  H.near(ml.brier_score_loss(yb, sb), R.brier_b)
  H.near(ml.brier_score_loss(yb, -sb + 1, { pos_label = 0 }), R.brier_b_pos0)
  H.check_error("y_true contains only one label", ml.log_loss, T{ 1, 1 }, T{ 0.5, 0.5 })
  H.check_error("different numbers of classes 3, 2", ml.log_loss, ym, probm:narrow(2, 1, 2))
  H.check_error("y_prob contains values greater than 1", ml.brier_score_loss, yb, sb + 1)
end)

H.test("MCC and Cohen's kappa", function()
  H.near(ml.matthews_corrcoef(yb, pb), R.mcc_b)
  H.near(ml.matthews_corrcoef(ym, pm), R.mcc_m)
  H.eq(ml.matthews_corrcoef(T{ 1, 1 }, T{ 1, 1 }), 0)
  H.near(ml.cohen_kappa_score(ym, pm), R.kappa_m)
  H.near(ml.cohen_kappa_score(ym, pm, { weights = "linear" }), R.kappa_lin)
  H.near(ml.cohen_kappa_score(ym, pm, { weights = "quadratic" }), R.kappa_quad)
  H.check_error("weights must be", ml.cohen_kappa_score, ym, pm, { weights = "cubic" })
end)

H.test("regression metrics", function()
  H.near(ml.mean_squared_error(yr, pr), R.mse)
  H.near(ml.mean_squared_error(yr, pr, { squared = false }), R.rmse)
  H.near(ml.root_mean_squared_error(yr, pr), R.rmse)
  H.near(ml.mean_absolute_error(yr, pr), R.mae)
  H.near(ml.median_absolute_error(yr, pr), R.medae)
  H.near(ml.r2_score(yr, pr), R.r2)
  H.near(ml.mean_absolute_percentage_error(yr, pr), R.mape)
  H.near(ml.explained_variance_score(yr, pr), R.evs)
  H.near(ml.r2_score(yr:float(), pr:float()), R.r2, 1e-6, "float input")
  H.eq(ml.r2_score(T{ 2, 2 }, T{ 2, 2 }), 1)
  H.eq(ml.r2_score(T{ 2, 2 }, T{ 1, 2 }), 0)
  H.check_error("ml.mean_squared_error: y_true and y_pred have different lengths (2 and 3)",
    ml.mean_squared_error, T{ 1, 2 }, T{ 1, 2, 3 })
  H.check_error("y_true is empty", ml.mean_absolute_error, torch.Tensor(0), torch.Tensor(0))
end)

H.test("errors name the function", function()
  H.check_error("ml.accuracy_score: y_true and y_pred have different lengths (2 and 3)", ml.accuracy_score,
    { 1, 2 }, { 1, 2, 3 })
  H.check_error("target is multiclass (4 labels)", ml.f1_score, ym, pm)
  H.check_error("pos_label=2 is not a valid label", ml.precision_score, yb, pb, { pos_label = 2 })
  H.check_error("average must be", ml.f1_score, ym, pm, { average = "samples" })
  H.check_error("ml.get_scorer: unknown scoring 'acc'", ml.get_scorer, "acc")
end)

H.done()
