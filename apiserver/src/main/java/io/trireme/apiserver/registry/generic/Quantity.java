package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.JsonNode;
import io.trireme.apiserver.status.ApiException;
import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Kubernetes resource.Quantity ("500m", "1Gi", "2e3"): parsed to an exact decimal for comparisons and sums. */
public record Quantity(BigDecimal value) implements Comparable<Quantity> {
  public static final Quantity ZERO = new Quantity(BigDecimal.ZERO);
  private static final Pattern FORM = Pattern.compile("([+-]?[0-9]*\\.?[0-9]*)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E"
      + "|[eE][+-]?[0-9]+)?");
  private static final Map<String, BigDecimal> SUFFIX = Map.ofEntries(
      Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
      Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
      Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("Ei", BigDecimal.valueOf(1L << 60)),
      Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
      Map.entry("m", new BigDecimal("1e-3")), Map.entry("k", new BigDecimal("1e3")),
      Map.entry("M", new BigDecimal("1e6")), Map.entry("G", new BigDecimal("1e9")),
      Map.entry("T", new BigDecimal("1e12")), Map.entry("P", new BigDecimal("1e15")),
      Map.entry("E", new BigDecimal("1e18")));

  /** Parses a quantity; a JSON number is taken as it is. */
  public static Quantity parse(JsonNode node) {
    if (node != null && node.isNumber()) {
      return new Quantity(node.decimalValue());
    }
    return parse(node == null ? "" : node.asText());
  }

  public static Quantity parse(String s) {
    Matcher m = FORM.matcher(s.trim());
    if (s.isBlank() || !m.matches() || m.group(1).isEmpty() || m.group(1).equals(".")
        || m.group(1).equals("+") || m.group(1).equals("-")) {
      throw ApiException.badRequest("quantities must match the regular expression "
          + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }
    BigDecimal number = new BigDecimal(m.group(1));
    String suffix = m.group(2);
    if (suffix == null) {
      return new Quantity(number);
    }
    if (suffix.startsWith("e") || suffix.startsWith("E")) {
      return new Quantity(number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1))));
    }
    return new Quantity(number.multiply(SUFFIX.get(suffix)));
  }

  /** Whether {@code s} is a valid quantity. */
  public static boolean valid(JsonNode s) {
    try {
      parse(s);
      return true;
    } catch (ApiException e) {
      return false;
    }
  }

  public Quantity plus(Quantity o) {
    return new Quantity(value.add(o.value));
  }

  public boolean negative() {
    return value.signum() < 0;
  }

  @Override
  public int compareTo(Quantity o) {
    return value.compareTo(o.value);
  }

  /** A canonical text: an integer when whole ("3", "1073741824"), else milli-units ("500m"). */
  public String text() {
    BigDecimal v = value.stripTrailingZeros();
    if (v.scale() <= 0) {
      return v.toBigInteger().toString();
    }
    return v.movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).toBigInteger() + "m";
  }
}
