package io.hypersdk.testing;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** A parsed XML document queried with XPath, for assertions on libvirt domain XML. */
public final class Xml {
  private final Document doc;

  private Xml(Document doc) {
    this.doc = doc;
  }

  /** Parses {@code text}, failing the test when it is not well-formed XML. */
  public static Xml parse(String text) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return new Xml(f.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
    } catch (Exception e) {
      throw new AssertionError("not well-formed XML: " + e.getMessage() + "\n" + text, e);
    }
  }

  /** The string value of an XPath expression; empty when nothing matches. */
  public String value(String xpath) {
    try {
      return (String) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.STRING);
    } catch (Exception e) {
      throw new AssertionError("bad XPath " + xpath, e);
    }
  }

  /** The string values of every node an XPath expression selects. */
  public List<String> values(String xpath) {
    try {
      NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
      List<String> out = new ArrayList<>();
      for (int i = 0; i < nodes.getLength(); i++) {
        out.add(nodes.item(i).getTextContent());
      }
      return out;
    } catch (Exception e) {
      throw new AssertionError("bad XPath " + xpath, e);
    }
  }

  public int count(String xpath) {
    return values(xpath).size();
  }
}
