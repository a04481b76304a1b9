package io.hypersdk.providers.vsphere.vim25;

import io.hypersdk.io.XmlText;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** DOM helpers for SOAP responses: parsing without external entities, and child lookup by local name. */
public final class Xml {
  static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";

  private Xml() {}

  public static Document parse(byte[] bytes) throws IOException {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      // A server's answer never needs a DTD; refusing them rules out entity expansion attacks.
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      return b.parse(new ByteArrayInputStream(bytes));
    } catch (ParserConfigurationException | SAXException e) {
      throw new IOException("malformed XML: " + e.getMessage());
    }
  }

  public static String escape(String s) {
    return XmlText.escape(s);
  }

  /** Child elements of {@code e} with local name {@code name}, in document order. */
  public static List<Element> children(Element e, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && name.equals(c.getLocalName())) {
        out.add(c);
      }
    }
    return out;
  }

  /** Every child element of {@code e}. */
  public static List<Element> children(Element e) {
    List<Element> out = new ArrayList<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c) {
        out.add(c);
      }
    }
    return out;
  }

  public static Optional<Element> child(Element e, String name) {
    List<Element> c = children(e, name);
    return c.isEmpty() ? Optional.empty() : Optional.of(c.get(0));
  }

  /** The text of the first child named {@code name}, if there is one. */
  public static Optional<String> text(Element e, String name) {
    return child(e, name).map(c -> c.getTextContent().strip());
  }

  /** The element's {@code xsi:type} without its namespace prefix, or its local name when untyped. */
  public static String type(Element e) {
    String t = e.getAttributeNS(XSI, "type");
    if (t == null || t.isEmpty()) {
      return e.getLocalName();
    }
    int colon = t.indexOf(':');
    return colon < 0 ? t : t.substring(colon + 1);
  }

  /** A managed object reference held by {@code e} ({@code type} attribute, id as text). */
  public static MoRef moRef(Element e) {
    return new MoRef(e.getAttribute("type"), e.getTextContent().strip());
  }

  /** The first descendant with local name {@code name}, depth first. */
  public static Optional<Element> find(Element e, String name) {
    for (Element c : children(e)) {
      if (name.equals(c.getLocalName())) {
        return Optional.of(c);
      }
      Optional<Element> deeper = find(c, name);
      if (deeper.isPresent()) {
        return deeper;
      }
    }
    return Optional.empty();
  }
}
