using Hl7.Fhir.Model;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>Finds every Reference in a resource, including inside contained resources, without FHIRPath.</summary>
public static class ReferenceWalker
{
    public static IEnumerable<ResourceReference> All(Base root)
    {
        var stack = new Stack<Base>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is ResourceReference r) yield return r;
            foreach (var (_, value) in node.EnumerateElements())
            {
                switch (value)
                {
                    case PrimitiveType: break;
                    case Base b: stack.Push(b); break;
                    case System.Collections.IEnumerable list:
                        foreach (var item in list)
                            if (item is Base child and not PrimitiveType) stack.Push(child);
                        break;
                }
            }
        }
    }
}
