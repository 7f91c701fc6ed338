package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.status.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A parsed field selector: {@code f=v}, {@code f==v}, {@code f!=v}, joined by commas. */
public record FieldSelector(List<Term> terms) {
  public static final FieldSelector EVERYTHING = new FieldSelector(List.of());

  /** One term; {@code negated} for {@code !=}. */
  public record Term(String field, String value, boolean negated) {}

  public FieldSelector {
    terms = List.copyOf(terms);
  }

  public static FieldSelector parse(String s) {
    if (s == null || s.isBlank()) {
      return EVERYTHING;
    }
    List<Term> out = new ArrayList<>();
    for (String raw : s.split(",")) {
      String p = raw.trim();
      int idx;
      if ((idx = p.indexOf("!=")) > 0) {
        out.add(new Term(p.substring(0, idx).trim(), p.substring(idx + 2).trim(), true));
      } else if ((idx = p.indexOf("==")) > 0) {
        out.add(new Term(p.substring(0, idx).trim(), p.substring(idx + 2).trim(), false));
      } else if ((idx = p.indexOf('=')) > 0) {
        out.add(new Term(p.substring(0, idx).trim(), p.substring(idx + 1).trim(), false));
      } else {
        throw ApiException.badRequest("invalid selector: '" + s + "'; can't understand '" + p + "'");
      }
    }
    return new FieldSelector(out);
  }

  /** Rejects fields the resource cannot select on, as kube-apiserver does. */
  public void check(ResourceStrategy strategy, ObjectNode probe) {
    for (Term t : terms) {
      if (strategy.fieldValue(probe, t.field()).isEmpty()) {
        throw ApiException.badRequest("field label not supported: " + t.field());
      }
    }
  }

  public boolean matches(ResourceStrategy strategy, ObjectNode obj) {
    for (Term t : terms) {
      Optional<String> v = strategy.fieldValue(obj, t.field());
      boolean eq = v.isPresent() && v.get().equals(t.value());
      if (eq == t.negated()) {
        return false;
      }
    }
    return true;
  }

  public boolean empty() {
    return terms.isEmpty();
  }
}
