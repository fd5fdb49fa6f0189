"""ECR lifecycle policies: typed rules (``rules``), the whole-policy check
(``policy_check``), a preview of what a policy expires (``simulator``) and its
command (``preview``). None of them imports cdktf or jsii when it is imported."""
