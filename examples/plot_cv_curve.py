"""
Choosing alpha by cross-validation
==================================

``LassoCV`` fits the warm-started path on the training rows of each fold
and scores every alpha on the held-out rows. ``cv.plot()`` draws the mean
held-out error with one standard error and marks two choices: ``alpha_min``,
the smallest mean error, and ``alpha_1se``, the largest alpha whose error is
within one standard error of it (glmnet's ``lambda.1se``, the default
``selection="1se"``): the sparsest model the curve cannot tell apart from
the best.

The grid has 50 alphas down to 1e-3 · alpha_max. The data is a random fifth of the Debian package descriptions (to keep the
example quick), predicting log(installed size) from the words.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

import fastreg
from fastreg._cli._datasets import load_debian_packages
from fastreg._cli._text import ENGLISH_STOP_WORDS, WORD_PATTERN, TfidfVectorizer

packages = load_debian_packages()
rows = np.random.default_rng(0).choice(len(packages), size=len(packages) // 5, replace=False)
descriptions = np.array(packages.description, dtype=object)[rows]
vectorizer = TfidfVectorizer(token_pattern=WORD_PATTERN, stop_words=ENGLISH_STOP_WORDS,
                             min_df=5, sublinear_tf=True, norm="l2")
X = vectorizer.fit_transform(descriptions)
y = np.log(packages.installed_size_kib[rows].astype(np.float64))
print(f"{X.shape[0]} descriptions x {X.shape[1]} words")

# %%
cv = fastreg.LassoCV(cv=5, n_alphas=50, eps=1e-3, n_jobs=2).fit(X, y)
ax = cv.plot()
ax.set_title("5-fold CV of the Lasso on Debian descriptions")
plt.tight_layout()

print(f"alpha_min = {cv.alpha_min_:.3g}, alpha_1se = {cv.alpha_1se_:.3g} (chosen)")
print(f"{np.count_nonzero(cv.coef_)} nonzero words at alpha_1se, "
      f"held-out mse {cv.cv_mean_[cv.alphas_ == cv.alpha_][0]:.3f}")
