"""
Lasso coefficient paths on real text
====================================

The descriptions of the packages of a Debian release ship with fastreg
(``python -m fastreg`` uses them). Each one-line description becomes a
tf-idf row, and the Lasso predicts the logarithm of the package's installed
size from its words. The path shows which words enter the model first as
alpha decreases, and how many are needed.
"""

# %%
# The data: 63,540 descriptions, tf-idf of the words found in at least five
# of them (the command-line job's features).
import time

import matplotlib.pyplot as plt
import numpy as np

import fastreg
from fastreg._cli._datasets import load_debian_packages
from fastreg._cli._text import ENGLISH_STOP_WORDS, WORD_PATTERN, TfidfVectorizer

packages = load_debian_packages()
vectorizer = TfidfVectorizer(token_pattern=WORD_PATTERN, stop_words=ENGLISH_STOP_WORDS,
                             min_df=5, sublinear_tf=True, norm="l2")
X = vectorizer.fit_transform(np.array(packages.description, dtype=object))
y = np.log(packages.installed_size_kib.astype(np.float64))
words = vectorizer.feature_names_
print(f"{X.shape[0]} descriptions x {X.shape[1]} words, {X.nnz} nonzeros")

# %%
# The path: 100 alphas from alpha_max, where every coefficient is zero, down
# to a hundredth of it, each warm-started from the previous solution.
start = time.perf_counter()
path = fastreg.lasso_path(X, y, eps=1e-2)
print(f"path in {time.perf_counter() - start:.2f} s; {path}")
print(f"largest certified duality gap: {path.dual_gaps.max():.1e} (relative, tol=1e-6)")

# %%
# ``Path.plot`` draws every coefficient against log(alpha) and labels the
# largest ones at the end of the path. The first words to enter,
# "documentation" and "gnu", raise the predicted size; at the small-alpha
# end the largest coefficients are negative ones ("multilib",
# "architecture", "metapackage"): descriptions of small packages.
ax = path.plot(feature_names=words, n_labels=8)
ax.set_title("Debian descriptions: Lasso paths of log(installed size)")
plt.tight_layout()

# %%
# The words that enter first are the ones most correlated with the target.
# Reading the path at a few alphas (``coef_at`` returns a dense column):
for k in (10, 30, 60, 99):
    coef = path.coef_at(k)
    top = np.argsort(-np.abs(coef))[:5]
    listed = ", ".join(f"{words[j]} ({coef[j]:+.2f})" for j in top if coef[j] != 0)
    print(f"alpha {path.alphas[k]:.2e}: {path.n_nonzero[k]:5d} words, "
          f"R² {path.dev_ratios[k]:.2f}; largest: {listed}")
