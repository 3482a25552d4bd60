"""The strong Wolfe line search LBFGS uses (Nocedal & Wright, Numerical Optimization, §3.5).

Along a direction d from x, with φ(t) = f(x + t d) and φ'(t) = ∇f(x + t d)·d, a step t is
accepted when it satisfies the strong Wolfe conditions

    φ(t) <= φ(0) + c₁ t φ'(0)      sufficient decrease (c₁ = 1e-4)
    |φ'(t)| <= c₂ |φ'(0)|          the slope has flattened enough (c₂ = 0.9)

The search first grows t until it brackets an acceptable step (the function rose, or the
slope turned non-negative), then zooms into the bracket. Each new trial t is the minimiser
of the cubic that matches φ and φ' at the bracket's two ends.
"""


def cubic_minimizer(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2.

    With d₁ = g1 + g2 - 3 (f1 - f2) / (x1 - x2) and d₂ = √(d₁² - g1 g2) (Nocedal & Wright
    eq. 3.59), for x1 <= x2 the minimiser is x2 - (x2 - x1)(g2 + d₂ - d₁) / (g2 - g1 + 2 d₂),
    clamped to ``bounds`` (the interval itself by default). When d₁² < g1 g2 the cubic has no
    minimum and the interval's midpoint is returned.
    """
    lo, hi = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square < 0:
        return (lo + hi) / 2.0
    d2 = d2_square ** 0.5
    if x1 <= x2:
        t = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        t = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(t, lo), hi)


def strong_wolfe(evaluate, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """Search along ``d`` for a step meeting the strong Wolfe conditions.

    ``evaluate(t)`` returns (loss, flat gradient) at x + t d; ``f``, ``g``, ``gtd`` are the
    loss, gradient and slope g·d at t = 0. Returns (loss, gradient, t, evaluations).
    """
    d_norm = float(abs(d).max())
    f_new, g_new = evaluate(t)
    evals = 1
    gtd_new = _dot(g_new, d)
    t_prev, f_prev, g_prev, gtd_prev = 0.0, f, g, gtd
    done = False
    ls_iter = 0
    bracket = None
    while ls_iter < max_ls:  # phase 1: grow t until [t_prev, t] brackets an acceptable step
        if f_new > f + c1 * t * gtd or (ls_iter > 1 and f_new >= f_prev):
            bracket = [[t_prev, f_prev, g_prev, gtd_prev], [t, f_new, g_new, gtd_new]]
            break
        if abs(gtd_new) <= -c2 * gtd:  # both conditions hold: accept t
            bracket = [[t, f_new, g_new, gtd_new]]
            done = True
            break
        if gtd_new >= 0:  # the slope turned: a minimum lies between t_prev and t
            bracket = [[t_prev, f_prev, g_prev, gtd_prev], [t, f_new, g_new, gtd_new]]
            break
        min_step, max_step = t + 0.01 * (t - t_prev), t * 10
        t_next = cubic_minimizer(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = t, f_new, g_new, gtd_new
        t = t_next
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = _dot(g_new, d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket = [[0.0, f, g, gtd], [t, f_new, g_new, gtd_new]]

    # phase 2: zoom. `low` is the end with the lower loss; each trial replaces one end.
    insufficient_progress = False
    low, high = (0, 1) if len(bracket) == 1 or bracket[0][1] <= bracket[-1][1] else (1, 0)
    while not done and ls_iter < max_ls:
        (t0, f0, _, gtd0), (t1, f1, _, gtd1) = bracket
        if abs(t1 - t0) * d_norm < tolerance_change:
            break
        t = cubic_minimizer(t0, f0, gtd0, t1, f1, gtd1)
        # keep t away from the bracket's ends, or the bracket may shrink too slowly
        top, bottom = max(t0, t1), min(t0, t1)
        eps = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < eps:
            if insufficient_progress or t >= top or t <= bottom:
                t = top - eps if abs(t - top) < abs(t - bottom) else bottom + eps
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = _dot(g_new, d)
        ls_iter += 1
        if f_new > f + c1 * t * gtd or f_new >= bracket[low][1]:
            bracket[high] = [t, f_new, g_new, gtd_new]  # too high: t becomes the far end
            low, high = (0, 1) if bracket[0][1] <= bracket[1][1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high][0] - bracket[low][0]) >= 0:
                bracket[high] = bracket[low]  # the minimum lies on low's other side
            bracket[low] = [t, f_new, g_new, gtd_new]
    t, f_new, g_new, _ = bracket[low]
    return f_new, g_new, t, evals


def _dot(a, b):
    return float(a @ b)
