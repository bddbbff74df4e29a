package dev.rollgate.controlplane.analysis;

/**
 * The statistical verdict on a proportion (bad / total). Pure.
 *
 * <p>FAIL when the lower Wilson score bound is above the threshold: a badly broken candidate fails from a
 * handful of requests, while a healthy one is not failed by noise even when re-tested every tick. PASS needs
 * the minimum sample and an observed share at or below the threshold; anything else is INCONCLUSIVE.
 */
public final class GateMath {

    private GateMath() {
    }

    public static Verdict verdict(long bad, long total, double maxShare, long minSample, double confidence) {
        if (bad < 0 || total < 0 || bad > total) {
            throw new IllegalArgumentException("need 0 <= bad <= total, got " + bad + "/" + total);
        }
        if (total == 0) {
            return Verdict.INCONCLUSIVE;
        }
        if (wilsonLower(bad, total, confidence) > maxShare) {
            return Verdict.FAIL;
        }
        if (total >= minSample && (double) bad / total <= maxShare) {
            return Verdict.PASS;
        }
        return Verdict.INCONCLUSIVE;
    }

    /** Lower bound of the two-sided Wilson score interval at {@code confidence}. */
    public static double wilsonLower(long bad, long total, double confidence) {
        if (total == 0) {
            return 0;
        }
        double z = zScore(confidence);
        double n = total;
        double p = bad / n;
        double z2 = z * z;
        double centre = p + z2 / (2 * n);
        double margin = z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return Math.max(0, (centre - margin) / (1 + z2 / n));
    }

    /** The standard normal quantile for a two-sided interval of {@code confidence}. */
    public static double zScore(double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
        return inverseNormal(1 - (1 - confidence) / 2);
    }

    // Acklam's rational approximation (relative error < 1.2e-9), refined by one Halley step.
    private static double inverseNormal(double p) {
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
            3.754408661907416e+00};
        double low = 0.02425;
        double x;
        if (p < low) {
            double q = Math.sqrt(-2 * Math.log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        } else if (p <= 1 - low) {
            double q = p - 0.5;
            double r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                    / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        } else {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        return x;
    }
}
