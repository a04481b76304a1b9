package io.hypersdk.providers.vsphere.vim25;

import java.util.Map;
import java.util.Optional;
import org.w3c.dom.Element;

/** One object's properties from the PropertyCollector: property path to its {@code <val>} element. */
public record ObjectContent(MoRef obj, Map<String, Element> props) {
  public ObjectContent {
    props = Map.copyOf(props);
  }

  public Optional<Element> val(String path) {
    return Optional.ofNullable(props.get(path));
  }

  /** The property's text (strings, numbers, enums), if it is set. */
  public Optional<String> text(String path) {
    return val(path).map(v -> v.getTextContent().strip());
  }

  public Optional<MoRef> ref(String path) {
    return val(path).map(Xml::moRef);
  }
}
