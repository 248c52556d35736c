"""The command-line main job and its data loaders (svmlight, .npz, tf-idf)."""

import io
import re
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp

from fastreg._cli._main import main, r2_scores
from fastreg._cli._datasets import load_debian_packages, load_file, load_npz
from fastreg._cli._svmlight import load_svmlight
from fastreg._cli._text import ENGLISH_STOP_WORDS, TfidfVectorizer, idf_from_counts, tfidf_weight

sklearn_datasets = pytest.importorskip("sklearn.datasets")
sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")


def run(argv):
    """Run the CLI in-process; returns (exit status, report, progress output)."""
    out, err = io.StringIO(), io.StringIO()
    status = main([str(a) for a in argv], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def cv_r2(report):
    return float(re.search(r"CV R² (-?\d+\.\d+)", report).group(1))


def feature_columns(report):
    """(positive names, negative names) from the report's feature table."""
    lines = report.split("strongest features at the chosen alpha:\n", 1)[1].splitlines()[1:]
    positive, negative = [], []
    for line in lines:
        if not line.startswith("  "):  # the table ends where the indentation does
            break
        cells = line.split()
        for name, value in zip(cells[0::2], cells[1::2]):
            (positive if float(value) > 0 else negative).append(name)
    return positive, negative


def sparse_regression(n=300, p=40, seed=0):
    """Sparse X with three informative columns: 3 and 7 positive, 11 negative."""
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.3, format="csr", random_state=rng)
    X.data = rng.uniform(0.5, 2.0, X.nnz)
    y = 3.0 * X[:, 3].toarray().ravel() + 2.0 * X[:, 7].toarray().ravel() \
        - 2.5 * X[:, 11].toarray().ravel() + 0.1 * rng.standard_normal(n)
    return X, y


def write_svmlight(path, X, y, *, one_based=True, comments=False):
    X = sp.csr_matrix(X)
    base = 1 if one_based else 0
    with open(path, "w") as f:
        if comments:
            f.write("# written by the fastreg test suite\n\n")
        for i in range(X.shape[0]):
            lo, hi = X.indptr[i], X.indptr[i + 1]
            pairs = " ".join(f"{j + base}:{float(v)!r}" for j, v in zip(X.indices[lo:hi], X.data[lo:hi]))
            tail = f"  # row {i}" if comments else ""
            qid = f"qid:{i % 3} " if comments else ""
            f.write(f"{float(y[i])!r} {qid}{pairs}{tail}\n")


# ---------------------------------------------------------------- the CLI ---

def test_cli_svmlight_file(tmp_path):
    X, y = sparse_regression()
    path = tmp_path / "train.svm"
    write_svmlight(path, X, y)
    status, report, progress = run([path, "--top", "2", "--n-alphas", "30", "--seed", "3"])
    assert status == 0, progress
    assert "300 rows x 40 columns (sparse" in report
    assert "5-fold (seed 3)" in report and "<- 1se" in report and "<- min" in report
    assert "30 alphas" in report and "1se rule" in report
    assert cv_r2(report) > 0.95
    positive, negative = feature_columns(report)
    assert positive == ["x3", "x7"]
    assert negative[0] == "x11"
    # the CV stage, then the progress bar drawn once per alpha of the path on all rows
    assert progress.startswith("cv   5 folds x 30 alphas")
    assert progress.count("\rpath [") == 30
    assert "30/30" in progress


def test_cli_npz_dense_with_names_and_plot(tmp_path):
    X, y = sparse_regression(seed=1)
    names = np.array([f"f{j:02d}" for j in range(X.shape[1])])
    path = tmp_path / "data.npz"
    np.savez(path, X=X.toarray(), y=y, feature_names=names)
    argv = [path, "--quiet", "--top", "1", "--folds", "3", "--rule", "min", "--eps", "1e-2"]
    if _has_matplotlib():
        argv += ["--plot", tmp_path / "path.png"]
    status, report, progress = run(argv)
    assert status == 0, progress
    assert progress == ""
    assert "(dense)" in report and "3-fold (seed 0)" in report and "min rule" in report
    assert feature_columns(report) == (["f03"], ["f11"])
    if _has_matplotlib():
        assert (tmp_path / "path.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_sparse_npz_with_separate_target(tmp_path):
    X, y = sparse_regression(seed=2)
    sp.save_npz(tmp_path / "X.npz", X.tocsc())
    np.save(tmp_path / "y.npy", y)
    status, report, _ = run([tmp_path / "X.npz", "--y", tmp_path / "y.npy", "--quiet",
                             "--l1-ratio", "0.7", "--no-intercept"])
    assert status == 0
    assert "ElasticNet (l1_ratio 0.7)" in report
    assert "intercept 0.0000" in report
    assert cv_r2(report) > 0.9


def test_cli_cv_chooses_alpha_by_the_rules(tmp_path):
    """The report's alphas are LassoCV's, and the chosen one follows --rule."""
    import fastreg

    X, y = sparse_regression(seed=4)
    np.savez(tmp_path / "d.npz", X=X.toarray(), y=y)
    cv = fastreg.LassoCV(n_alphas=20, cv=4, random_state=2).fit(X, y)
    for rule, alpha in (("1se", cv.alpha_1se_), ("min", cv.alpha_min_)):
        status, report, _ = run([tmp_path / "d.npz", "--quiet", "--n-alphas", "20",
                                 "--folds", "4", "--seed", "2", "--rule", rule])
        assert status == 0
        assert f"chosen  alpha {alpha:.3e}" in report
    assert f"alpha_min {cv.alpha_min_:.3e}" in report
    assert f"alpha_1se {cv.alpha_1se_:.3e}" in report


def test_cli_reports_bad_input(tmp_path):
    status, _, err = run([tmp_path / "missing.svm"])
    assert status == 1 and "no such file" in err
    X, y = sparse_regression()
    write_svmlight(tmp_path / "ok.svm", X, y)
    status, _, err = run([tmp_path / "ok.svm", "--folds", "1"])
    assert status == 1 and "--folds must be at least 2" in err
    np.savez(tmp_path / "bad.npz", A=np.eye(3))
    status, _, err = run([tmp_path / "bad.npz"])
    assert status == 1 and "expected arrays 'X' and 'y'" in err


@pytest.mark.parametrize("option", ["--top", "--n-alphas", "--min-df", "--folds", "--jobs"])
def test_cli_rejects_nonpositive_counts(option, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([option, "0"])
    assert exit_info.value.code == 2
    assert "must be a positive integer" in capsys.readouterr().err


def test_help_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "fastreg", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    for option in ("--l1-ratio", "--n-alphas", "--eps", "--tol", "--no-intercept",
                   "--folds", "--rule", "--jobs", "--seed", "--top", "--plot", "--task"):
        assert option in done.stdout


def test_default_job_on_debian_packages():
    # the default data; a shorter grid and folds in 2 threads keep the test quick
    status, report, progress = run(["--jobs", "2", "--eps", "1e-2"])
    assert status == 0, progress
    assert "Debian package descriptions" in report
    assert "63540 packages" in report and "5-fold (seed 0)" in report
    assert "100/100" in progress
    assert cv_r2(report) > 0.2
    positive, negative = feature_columns(report)
    assert len(positive) == 10 and len(negative) == 10
    # Every listed word is a real description word, and the classic small
    # packages (metapackages, transitional/dummy packages) pull the size down.
    corpus = " ".join(load_debian_packages().description).lower()
    assert all(re.search(rf"\b{re.escape(w)}\b", corpus) for w in positive + negative)
    assert {"metapackage", "transitional", "dummy", "multilib"} & set(negative)


def _has_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def test_r2_scores_matches_definition():
    rng = np.random.default_rng(0)
    y = rng.standard_normal(50)
    pred = np.column_stack([y, np.full(50, y.mean()), y + rng.standard_normal(50)])
    r2 = r2_scores(y, pred)
    assert r2[0] == pytest.approx(1.0) and r2[1] == pytest.approx(0.0)
    assert r2[2] == pytest.approx(1 - np.sum((y - pred[:, 2]) ** 2) / np.sum((y - y.mean()) ** 2))


# ------------------------------------------------------- svmlight parsing ---

@pytest.mark.parametrize("one_based", [True, False])
@pytest.mark.parametrize("comments", [True, False])
def test_svmlight_matches_sklearn(tmp_path, one_based, comments):
    rng = np.random.default_rng(4)
    X = sp.random(60, 25, density=0.2, format="csr", random_state=rng)
    X.data = rng.standard_normal(X.nnz) * 10.0 ** rng.integers(-5, 5, X.nnz)
    X = X.tolil()
    X[:, 0] = 1.0 if not one_based else 0.0  # a zero-based file uses index 0
    X = X.tocsr()
    X.eliminate_zeros()
    y = rng.integers(-3, 4, 60).astype(float)
    path = tmp_path / "data.svm"
    write_svmlight(path, X, y, one_based=one_based, comments=comments)
    ours, y_ours = load_svmlight(path)
    theirs, y_theirs = sklearn_datasets.load_svmlight_file(str(path))
    assert ours.shape == theirs.shape
    np.testing.assert_array_equal(ours.toarray(), theirs.toarray())
    np.testing.assert_array_equal(y_ours, y_theirs)
    assert ours.has_sorted_indices


def test_svmlight_options_and_empty_rows(tmp_path):
    path = tmp_path / "small.svm"
    path.write_text("1.5 3:2 1:-1e-3\n-2\n0 2:4.5\n")
    X, y = load_svmlight(path, n_features=6, dtype=np.float32)
    assert X.dtype == np.float32 and X.shape == (3, 6)
    np.testing.assert_array_equal(y, [1.5, -2.0, 0.0])
    expected = np.zeros((3, 6), dtype=np.float32)
    expected[0, 0], expected[0, 2], expected[2, 1] = -1e-3, 2.0, 4.5
    np.testing.assert_array_equal(X.toarray(), expected)
    X0, _ = load_svmlight(path, zero_based=True)
    assert X0.shape == (3, 4) and X0[0, 3] == 2.0
    with pytest.raises(ValueError, match="file uses 3 features"):
        load_svmlight(path, n_features=2)


@pytest.mark.parametrize("line, message", [
    ("1 2:1 2:3", "line 2: feature index 2 repeated"),
    ("1 a:2", "line 2: expected index:value, got 'a:2'"),
    ("1 1:x", "line 2: expected index:value"),
    ("1 1:2:3 4", "line 2: expected index:value, got '1:2:3'"),
    ("1 1.5:3", "line 2: expected index:value"),
    ("1 7", "line 2: expected index:value, got '7'"),
    ("1,2 3:1", "line 2: multi-label"),
    ("abc 1:1", "line 2: cannot read label 'abc'"),
    ("1 -4:1", "line 2: negative feature index"),
])
def test_svmlight_malformed_lines(tmp_path, line, message):
    path = tmp_path / "bad.svm"
    path.write_text(f"1 1:1\n{line}\n")
    with pytest.raises(ValueError, match=re.escape(message)):
        load_svmlight(path)


def test_svmlight_compressed(tmp_path):
    import gzip

    X, y = sparse_regression(n=20, p=12)
    plain = tmp_path / "d.svm"
    write_svmlight(plain, X, y)
    with open(plain, "rb") as src, gzip.open(tmp_path / "d.svm.gz", "wb") as dst:
        dst.write(src.read())
    A, a = load_svmlight(plain)
    B, b = load_svmlight(tmp_path / "d.svm.gz")
    np.testing.assert_array_equal(A.toarray(), B.toarray())
    np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------ npz loading ---

def test_npz_layouts(tmp_path):
    X, y = sparse_regression(n=30, p=12)
    np.savez(tmp_path / "dense.npz", X=X.toarray(), y=y)
    A, a, names = load_npz(tmp_path / "dense.npz")
    assert isinstance(A, np.ndarray) and names is None
    np.testing.assert_array_equal(A, X.toarray())
    np.testing.assert_array_equal(a, y)

    sp.save_npz(tmp_path / "sparse.npz", X, compressed=False)
    B, b, _ = load_file(tmp_path / "sparse.npz", y=y[:, None])
    assert sp.issparse(B) and (B != X).nnz == 0
    np.testing.assert_array_equal(b, y)

    with pytest.raises(ValueError, match="has no 'y' array"):
        load_npz(tmp_path / "sparse.npz")
    with pytest.raises(ValueError, match="X has 30 rows but y has shape"):
        load_npz(tmp_path / "dense.npz", y=np.zeros(7))


# ----------------------------------------------------------------- tf-idf ---

DOCS = [
    "The quick brown fox jumps over the lazy dog",
    "Never jump over the lazy dog quickly; the dog sleeps",
    "Brown dogs and brown foxes: a library for python3 and C++ bindings",
    "dog dog dog 42 version 2.0",
    "",
    "Über café naïve résumé, the fox again",
]


@pytest.mark.parametrize("options", [
    dict(),
    dict(sublinear_tf=True, min_df=2),
    dict(smooth_idf=False, norm="l1", max_df=0.5),
    dict(norm=None, lowercase=False, min_df=2),
    dict(stop_words=sorted(ENGLISH_STOP_WORDS), sublinear_tf=True),
])
def test_tfidf_matches_sklearn(options):
    ours = TfidfVectorizer(**options)
    theirs = sklearn_text.TfidfVectorizer(**options)
    A = ours.fit_transform(DOCS)
    B = theirs.fit_transform(DOCS)
    np.testing.assert_array_equal(ours.feature_names_, theirs.get_feature_names_out())
    np.testing.assert_allclose(A.toarray(), B.toarray(), rtol=1e-12, atol=1e-15)
    unseen = ["a lazy fox and an unknown word", "dog"]
    np.testing.assert_allclose(ours.transform(unseen).toarray(),
                               theirs.transform(unseen).toarray(), rtol=1e-12, atol=1e-15)


def test_tfidf_matches_sklearn_on_debian_descriptions():
    docs = load_debian_packages().description[:5000]
    options = dict(min_df=3, sublinear_tf=True)
    A = TfidfVectorizer(**options).fit_transform(docs)
    B = sklearn_text.TfidfVectorizer(**options).fit_transform(docs)
    assert A.shape == B.shape
    assert abs(A - B).max() < 1e-12


def test_tfidf_of_counts_matches_transformer():
    rng = np.random.default_rng(5)
    counts = sp.random(40, 30, density=0.2, format="csr", random_state=rng)
    counts.data = rng.integers(1, 9, counts.nnz).astype(float)
    for smooth, sublinear in [(True, False), (False, True)]:
        idf = idf_from_counts(counts, smooth_idf=smooth)
        ours = tfidf_weight(counts, idf, sublinear_tf=sublinear, dtype=np.float32)
        theirs = sklearn_text.TfidfTransformer(smooth_idf=smooth, sublinear_tf=sublinear)
        expected = theirs.fit_transform(counts)
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours.toarray(), expected.toarray(), rtol=1e-6, atol=1e-7)
    assert counts.data.max() > 1  # the input was not modified in place


def test_tfidf_rejects_bad_settings():
    with pytest.raises(ValueError, match="min_df"):
        TfidfVectorizer(min_df=1.5).fit_transform(DOCS)
    with pytest.raises(ValueError, match="no term is left"):
        TfidfVectorizer(min_df=50).fit_transform(DOCS)
    with pytest.raises(ValueError, match="not fitted"):
        TfidfVectorizer().transform(DOCS)
    with pytest.raises(TypeError, match="documents must be str"):
        TfidfVectorizer().fit_transform(["ok text", 3])


# ------------------------------------------------------ the classify task ---

def heldout_accuracy(report):
    return float(re.search(r"held-out accuracy (\d\.\d+) \(majority class (\d\.\d+)\)",
                           report).group(1))


def test_cli_classify_debian_libraries():
    # a short grid on three folds keeps the test quick
    status, report, progress = run(["--task", "classify", "--eps", "1e-2", "--n-alphas", "15",
                                    "--folds", "3", "--top", "5"])
    assert status == 0, progress
    assert "logistic regression path" in report and "library section" in report
    assert "classes 'library' (y = 1, 19.1% of the rows" in report
    assert "3-fold (seed 0)" in report and "<- 1se" in report and "CV dev" in report
    assert progress.startswith("cv   3 folds x 15 alphas") and "15/15" in progress
    majority = float(re.search(r"majority class (\d\.\d+)", report).group(1))
    assert heldout_accuracy(report) > majority + 0.05
    assert float(re.search(r"held-out deviance ratio (\d\.\d+)", report).group(1)) > 0.2
    positive, negative = feature_columns(report)
    assert {"library", "libraries", "development", "shared"} & set(positive)
    assert {"documentation", "python", "perl", "utility", "tool", "tools"} & set(negative)


def test_cli_classify_file_and_rules(tmp_path):
    """On a file with two labels: the informative columns and LogisticRegressionCV's rules."""
    import fastreg
    from fastreg._folds import stratified_kfold

    X, score = sparse_regression(n=400, seed=5)
    y = np.where(score > np.median(score), 3.0, -1.0)  # any two labels; 3 is the positive one
    write_svmlight(tmp_path / "cls.svm", X, y)
    argv = [tmp_path / "cls.svm", "--task", "classify", "--quiet", "--n-alphas", "12",
            "--folds", "4", "--top", "1"]
    status, report, _ = run(argv + ["--rule", "min"])
    assert status == 0
    assert "classes '3' (y = 1, 50.0% of the rows" in report
    assert heldout_accuracy(report) > 0.8
    assert feature_columns(report) == (["x3"], ["x11"])
    # the curve by hand: mean held-out deviance over the same folds and grid
    y01 = (y > 0).astype(float)
    alpha_max = fastreg.logistic_alpha_max(X, y01)
    alphas = np.geomspace(alpha_max, alpha_max * 1e-3, 12)  # n > p: eps 1e-3
    Xr = sp.csr_matrix(X)
    curve = np.zeros(12)
    for train, test in stratified_kfold(y01, 4, 0):  # an int cv stratifies by class
        path = fastreg.logistic_path(Xr[train], y01[train], alphas=alphas)
        eta = (Xr[test] @ path.coefs).toarray() + path.intercepts
        curve += len(test) / 400 * 2 * np.logaddexp(0, np.where(y01[test, None] > 0, -eta,
                                                                  eta)).mean(axis=0)
    best = int(np.argmin(curve))
    assert f"alpha_min {alphas[best]:.3e} (#{best + 1})" in report
    assert f"chosen  alpha {alphas[best]:.3e}" in report
    # the same numbers as the public estimator
    cv = fastreg.LogisticRegressionCV(n_alphas=12, cv=4, selection="min", refit=False)
    cv.fit(X, y)
    assert f"accuracy {cv.cv_accuracy_[cv.index_min_]:.4f}" in report
    # its folds stop at cv_tol=1e-4: near separation the held-out deviance moves by ~1e-3
    np.testing.assert_allclose(cv.cv_mean_, curve, rtol=3e-3)


def test_cli_classify_needs_two_labels(tmp_path):
    X, y = sparse_regression()
    write_svmlight(tmp_path / "three.svm", X, np.arange(len(y)) % 3)
    status, _, err = run([tmp_path / "three.svm", "--task", "classify"])
    assert status == 1 and "exactly two target values" in err


def test_cli_reports_unreadable_or_degenerate_files(tmp_path):
    """One line on stderr and exit status 1, no traceback, for files that cannot be fitted."""
    X, y = sparse_regression()
    np.savez_compressed(tmp_path / "full.npz", X=X.toarray(), y=y)
    data = (tmp_path / "full.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    status, report, err = run([tmp_path / "cut.npz", "--quiet"])
    assert status == 1 and report == ""
    assert "is not a readable .npz archive" in err and err.count("\n") == 1
    # an index of 3e9 is refused before a matrix of that width is allocated
    (tmp_path / "wide.svm").write_text("1 1:0.5 3000000000:1.0\n0 2:1.0\n")
    status, _, err = run([tmp_path / "wide.svm", "--quiet"])
    assert status == 1 and "line 1: feature index 3000000000 is too large" in err
    assert err.count("\n") == 1
    # a constant target has nothing to fit
    write_svmlight(tmp_path / "const.svm", X, np.full(X.shape[0], 2.5))
    status, report, err = run([tmp_path / "const.svm", "--quiet"])
    assert status == 1 and report == ""
    assert "the target is constant (every value is 2.5)" in err and err.count("\n") == 1


def test_cli_standardize(tmp_path):
    X, y = sparse_regression()
    X = X @ sp.diags(np.geomspace(1e-2, 1e2, X.shape[1]))  # columns on different scales
    path = tmp_path / "train.svm"
    write_svmlight(path, X, y)
    for task in ("regress", "classify"):
        target = y if task == "regress" else (y > np.median(y)).astype(float)
        write_svmlight(path, X, target)
        args = [path, "--task", task, "--n-alphas", "10", "--quiet", "--folds", "3"]
        plain, standardized = run(args), run(args + ["--standardize"])
        assert plain[0] == 0 and standardized[0] == 0, standardized[2]
        assert plain[1] != standardized[1]
