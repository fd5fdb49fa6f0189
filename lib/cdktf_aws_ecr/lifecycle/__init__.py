"""ECR lifecycle policies: typed rules, the whole-policy check, and a preview of what a
policy expires. None of these modules imports cdktf or jsii when it is imported."""
