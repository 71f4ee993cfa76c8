-- Docstrings: linear algebra through LAPACK (vm/l_lapack.c; docs/linalg.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local COMMON = "Float and Double only.  Results may be passed first (Torch7); matrix results come back\n"
  .. "column-major.  Each function is also a method: a:inverse(), b:gesv(a) ..."
local A = { "a", "a matrix (Float or Double, any strides; never modified)" }

local function L(f, sig, summary, args, ex, notes)
  D["torch." .. f] = doc(sig, summary, args, ex, notes or COMMON)
end

L("gesv", "x, lu = torch.gesv([resb, resa,] b, a) | b:gesv(a)",
  "Solves a x = b for a square a by LU with partial pivoting; also returns the LU factors.",
  { { "resb, resa", "optional result tensors" }, { "b", "n x k matrix or n vector" }, { "a", "n x n matrix" } },
  "local x = torch.gesv(torch.Tensor{3, 5}, torch.Tensor{{2, 1}, {1, 3}})\nprint(x)   -- 0.8 1.4")
L("trtrs", "x, a2 = torch.trtrs([resb, resa,] b, a [, uplo [, trans [, diag]]])",
  "Solves a x = b (or a^T x = b) for a triangular a.",
  { { "b", "n x k or n" }, { "a", "n x n triangular" }, { "uplo", "'U' (default) or 'L': the triangle read" },
    { "trans", "'N' (default) or 'T'" }, { "diag", "'N' (default) or 'U': unit diagonal, not read" } },
  "print(torch.trtrs(torch.Tensor{{1}, {2}}, torch.Tensor{{2, 1}, {0, 4}}))")
L("gels", "x, lu = torch.gels([resb, resa,] b, a)",
  "Least squares (m >= n) or minimum-norm (m < n) solution of a x = b for a full-rank a (QR/LQ).",
  { { "b", "m x k or m" }, { "a", "m x n of full rank" } },
  "local x = torch.gels(torch.Tensor{{1}, {1}, {0}}, torch.Tensor{{1, 0}, {0, 1}, {1, 1}})\nprint(x)   -- 1/3 1/3")
L("lstsq", "x, residuals, rank, s = torch.lstsq(b, a [, rcond])",
  "numpy's lstsq: minimum-norm least squares for any rank (SVD), with residuals, rank and singular values.",
  { { "b", "m x k or m" }, A, { "rcond", "singular values <= rcond * s[1] count as zero (numpy's default)" } },
  "local x, res, rank = torch.lstsq(torch.Tensor{1, 1, 0}, torch.Tensor{{1, 0}, {0, 1}, {1, 1}})\nprint(x, rank)")
L("inverse", "torch.inverse([res,] a) | a:inverse()", "Inverse of a square matrix (singular raises).",
  { { "res", "optional result" }, A }, "print(torch.inverse(torch.Tensor{{2, 0}, {0, 4}}))")
L("pinv", "torch.pinv([res,] a [, rcond]) | a:pinv()", "Moore-Penrose pseudo-inverse through the SVD (row-major).",
  { { "res", "optional result" }, A, { "rcond", "relative cut-off for small singular values (default 1e-15)" } },
  "print(torch.pinv(torch.Tensor{{1, 2}, {2, 4}}))")
L("det", "torch.det(a) | a:det()", "Determinant of a square matrix (a number; 1 for 0x0).", { A },
  "print(torch.det(torch.Tensor{{1, 2}, {3, 4}}))   -- -2")
L("logdet", "ld, sign, logabs = torch.logdet(a) | a:logdet()",
  "log(det a) (NaN when negative, -inf when 0), with the sign and log|det a| (no overflow).", { A },
  "print(torch.logdet(torch.Tensor{{2, 0}, {0, 3}}))   -- log 6, 1, log 6")
L("slogdet", "sign, logabs = torch.slogdet(a) | a:slogdet()", "numpy's slogdet: the sign of det a and log|det a|.",
  { A }, "print(torch.slogdet(torch.Tensor{{0, 1}, {1, 0}}))   -- -1 0")
L("potrf", "torch.potrf([res,] a [, uplo]) | a:potrf()",
  "Cholesky factor of a symmetric positive definite matrix: U with a = U^T U ('U') or L with a = L L^T ('L').",
  { { "res", "optional result" }, A, { "uplo", "'U' (default) or 'L'" } },
  "print(torch.potrf(torch.Tensor{{4, 2}, {2, 5}}))")
L("cholesky", "torch.cholesky([res,] a [, upper]) | a:cholesky()",
  "PyTorch's Cholesky: the lower factor L (a = L L^T), or U when upper is true.",
  { { "res", "optional result" }, A, { "upper", "true for the upper factor" } },
  "print(torch.cholesky(torch.Tensor{{4, 2}, {2, 5}}))   -- 2 0 / 1 2")
L("potrs", "torch.potrs([res,] b, chol [, uplo])", "Solves a x = b given the Cholesky factor of a.",
  { { "res", "optional result" }, { "b", "n x k or n" }, { "chol", "the factor from potrf" },
    { "uplo", "'U' (default) or 'L': which factor chol is" } },
  "local c = torch.potrf(torch.Tensor{{4, 2}, {2, 5}})\nprint(torch.potrs(torch.Tensor{6, 7}, c))   -- 1 1")
L("potri", "torch.potri([res,] chol [, uplo])", "Inverse of a from its Cholesky factor (the full symmetric matrix).",
  { { "res", "optional result" }, { "chol", "the factor from potrf" }, { "uplo", "'U' (default) or 'L'" } },
  "print(torch.potri(torch.potrf(torch.Tensor{{4, 0}, {0, 1}})))")
L("pstrf", "res, piv, rank = torch.pstrf([res, piv,] a [, uplo [, tol]])",
  "Cholesky with complete pivoting of a positive semidefinite matrix: P^T a P = U^T U.",
  { { "res, piv", "optional results (piv an IntTensor)" }, A, { "uplo", "'U' (default) or 'L'" },
    { "tol", "tolerance (< 0: LAPACK's default)" } },
  "local u, piv, rank = torch.pstrf(torch.Tensor{{1, 1}, {1, 1}})\nprint(piv, rank)   -- rank 1")
L("symeig", "e [, v] = torch.symeig([rese, resv,] a [, jobz [, uplo]])",
  "Eigenvalues (ascending) of a symmetric matrix, and with 'V' the eigenvectors as columns of v.",
  { A, { "jobz", "'N' (default): values only; 'V': also vectors" }, { "uplo", "'U' (default) or 'L'" } },
  "local e, v = torch.symeig(torch.Tensor{{2, 1}, {1, 2}}, 'V')\nprint(e)   -- 1 3")
L("eig", "e [, v] = torch.eig([rese, resv,] a [, jobz])",
  "Eigenvalues of a general square matrix as n x 2 (real, imaginary parts); with 'V' the eigenvectors.",
  { A, { "jobz", "'N' (default) or 'V'" } }, "print(torch.eig(torch.Tensor{{0, 1}, {-1, 0}}))   -- +-i")
L("svd", "u, s, v = torch.svd([resu, ress, resv,] a [, jobu])",
  "Singular value decomposition a = u diag(s) v^T, s descending (v is V, not V^T).",
  { A, { "jobu", "'S' (default, reduced) or 'A' (full u and v)" } },
  "local u, s, v = torch.svd(torch.Tensor{{3, 0}, {0, 4}})\nprint(s)   -- 4 3")
L("qr", "q, r = torch.qr([q, r,] a) | a:qr()", "Thin QR: a = q r, q with orthonormal columns, r upper triangular.",
  { { "q, r", "optional results" }, A }, "local q, r = torch.qr(torch.Tensor{{1, 2}, {3, 4}})\nprint(torch.mm(q, r))")
L("geqrf", "m, tau = torch.geqrf([m, tau,] a)", "LAPACK's compact QR: R and the Householder vectors in m, factors in tau.",
  { { "m, tau", "optional results" }, A }, "local m, tau = torch.geqrf(torch.Tensor{{1, 2}, {3, 4}})\nprint(tau)")
L("orgqr", "torch.orgqr([q,] m, tau)", "The matrix Q with orthonormal columns from geqrf's reflectors.",
  { { "q", "optional result" }, { "m, tau", "as returned by geqrf" } },
  "print(torch.orgqr(torch.geqrf(torch.Tensor{{1, 2}, {3, 4}})))")
L("ormqr", "torch.ormqr([res,] m, tau, mat [, side [, trans]])",
  "Multiplies mat by the Q of geqrf's reflectors without forming it: Q mat ('L') or mat Q ('R').",
  { { "m, tau", "as returned by geqrf" }, { "mat", "the matrix to multiply" }, { "side", "'L' (default) or 'R'" },
    { "trans", "'N' (default) or 'T' (Q^T)" } },
  "local m, tau = torch.geqrf(torch.Tensor{{1, 2}, {3, 4}})\nprint(torch.ormqr(m, tau, torch.eye(2)))")

return { title = "Linear algebra (LAPACK)", docs = D }
