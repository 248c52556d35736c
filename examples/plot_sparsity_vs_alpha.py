"""
Sparsity along the path: nonzeros versus alpha
==============================================

How many coefficients are nonzero, and how much of the variance is
explained, as alpha decreases from alpha_max? On the Debian description
tf-idf, for the Lasso and for elastic nets that mix in an L2 penalty.
With less L1 (smaller ``l1_ratio``) the same alpha keeps more words: the
penalty on each coefficient is weaker, and correlated words enter together
instead of one standing for the others. alpha_max grows as 1/l1_ratio, so
the curves are drawn against alpha / alpha_max.
"""

# %%
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

# %%
# One path per l1_ratio, 50 alphas down to 1e-2 · alpha_max.
fig, (ax_nnz, ax_r2) = plt.subplots(1, 2, figsize=(10, 4), sharex=True)
for l1_ratio in (1.0, 0.5, 0.1):
    path = fastreg.enet_path(X, y, l1_ratio=l1_ratio, n_alphas=50, eps=1e-2)
    relative = path.alphas / path.alphas[0]
    label = f"l1_ratio={l1_ratio:g}" + (" (Lasso)" if l1_ratio == 1 else "")
    ax_nnz.plot(relative, path.n_nonzero, label=label)
    ax_r2.plot(relative, path.dev_ratios, label=label)
    print(f"{label}: alpha_max {path.alphas[0]:.3g}, {path.n_nonzero[-1]} nonzeros and "
          f"R² {path.dev_ratios[-1]:.3f} at the end of the path")
for ax in (ax_nnz, ax_r2):
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.set_xlabel("alpha / alpha_max")
    ax.grid(alpha=0.3)
ax_nnz.set_ylabel(f"nonzero coefficients (of {X.shape[1]})")
ax_r2.set_ylabel("fraction of variance explained (dev_ratios)")
ax_nnz.legend()
fig.tight_layout()

# %%
# The number of nonzeros keeps growing as alpha falls, faster and faster,
# while each further word explains less of the variance.
# Cross-validation (:doc:`plot_cv_curve`) picks the point where they start
# fitting noise.
